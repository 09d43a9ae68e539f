/**
 * The solution's cloud flows: WorkflowIds (fixed, lower case: child-flow calls reference them) and
 * names. Names 1–9 are Microsoft's documented names without "(Insider Preview)"; 10 to 12 are ours.
 */
export const FLOWS = {
  webhookRegistration: { id: "6b2f0a10-5c1e-4d7a-9a01-000000000001", name: "Partner Center Webhook Registration" },
  createReferral: { id: "6b2f0a10-5c1e-4d7a-9a01-000000000002", name: "Create Co-sell Referral – Dynamics 365 to Partner Center" },
  customize: { id: "6b2f0a10-5c1e-4d7a-9a01-000000000003", name: "[Customize] Create or Get Details from Dynamics 365 flow" },
  helper: { id: "6b2f0a10-5c1e-4d7a-9a01-000000000004", name: "Partner Center to Dynamics 365 - Helper" },
  microsoftUpdates: { id: "6b2f0a10-5c1e-4d7a-9a01-000000000005", name: "Partner Center Microsoft Co-sell Referral Updates to Dynamics 365" },
  receiver: { id: "6b2f0a10-5c1e-4d7a-9a01-000000000006", name: "Partner Center to Dynamics 365" },
  updateReferral: { id: "6b2f0a10-5c1e-4d7a-9a01-000000000007", name: "Dynamics 365 to Partner Center" },
  opportunityTrigger: { id: "6b2f0a10-5c1e-4d7a-9a01-000000000008", name: "Dynamics 365 Opportunity to Partner Center" },
  solutionsTrigger: { id: "6b2f0a10-5c1e-4d7a-9a01-000000000009", name: "Dynamics 365 Microsoft Solutions to Partner Center" },
  leadTrigger: { id: "6b2f0a10-5c1e-4d7a-9a01-00000000000a", name: "Dynamics 365 Lead to Partner Center" },
  recovery: { id: "6b2f0a10-5c1e-4d7a-9a01-00000000000b", name: "Partner Center Sync Recovery" },
  registerDeal: { id: "6b2f0a10-5c1e-4d7a-9a01-00000000000c", name: "Partner Center Deal Registration" },
} as const;
export type FlowKey = keyof typeof FLOWS;
