/** An expression that cannot be parsed or evaluated; Power Automate reports these as InvalidTemplate. */
export class ExpressionError extends Error {
  readonly code = "InvalidTemplate";
  constructor(message: string) {
    super(message);
    this.name = "ExpressionError";
  }
}
