/**
 * Handlers of the opportunity main form (each registered with "pass execution context").
 * First landing: the names exist so the solution build can register them; behaviour follows.
 */
export function onLoad(_context: Xrm.Events.EventContext): void {}
export function onSave(_context: Xrm.Events.SaveEventContext): void {}
export function onSyncChange(_context: Xrm.Events.EventContext): void {}
export function onMicrosoftHelpChange(_context: Xrm.Events.EventContext): void {}
export function onCustomerChange(_context: Xrm.Events.EventContext): void {}
export function onVisibilityChange(_context: Xrm.Events.EventContext): void {}
