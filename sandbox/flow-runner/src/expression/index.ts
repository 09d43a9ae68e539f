/** Workflow Definition Language expressions: parse, evaluate, and the function library. */
export { ExpressionError } from "./errors";
export {
  compileTemplate,
  defaultContext,
  evaluate,
  evaluateExpression,
  evaluateString,
  evaluateValue,
  unparse,
  type EvalContext,
  type WorkflowAccess,
} from "./evaluator";
export { FUNCTIONS, IMPLEMENTED_FUNCTIONS } from "./functions";
export { collectCalls, ExpressionSyntaxError, isTemplateString, parseExpression, parseTemplate, type Expr, type Template } from "./parser";
export { parseJsonValue } from "./json";
export * from "./values";
