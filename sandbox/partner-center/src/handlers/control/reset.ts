/**
 * POST /_emulator/reset — empty state (referrals, registration, validation events), forget calls,
 * faults, events and deliveries (pending ones stop), restore the default signing mode.
 */
import { Handler } from "../../context";

export const controlReset: Handler = (ctx) => {
  ctx.dispatcher.reset();
  ctx.store.clear();
  ctx.calls.clear();
  ctx.faults.clear();
  ctx.signing.resetMode();
  ctx.validationSends = [];
  ctx.lastWriteMs = 0;
  return { status: 204 };
};
