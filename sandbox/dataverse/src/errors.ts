/**
 * Dataverse-shaped errors. Every code below was checked against a public Microsoft source; the
 * comment on each names it. Sources:
 *   [codes]   learn.microsoft.com/power-apps/developer/data-platform/reference/web-service-error-codes
 *             (MicrosoftDocs/powerapps-docs, developer/data-platform/includes/data-service-error-codes.md):
 *             the hex value, the name and the message template.
 *   [client]  learn.microsoft.com/troubleshoot/power-platform/power-apps/dataverse/web-api-client-errors
 *             (MicrosoftDocs/SupportArticles-docs): wire examples of 404 segment / 400 property errors.
 *   [cond]    learn.microsoft.com/power-apps/developer/data-platform/webapi/perform-conditional-operations-using-web-api:
 *             If-Match / If-None-Match statuses and messages.
 *   [batch]   learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api.
 *
 * The wire shape is Dataverse's: `{"error":{"code":"0x…","message":"…"}}` with the HTTP status the
 * service uses for that failure.
 */

export const ErrorCodes = {
  /** [codes] ObjectDoesNotExist "The specified object was not found." Web API text: "<entity> With Id = <id> Does Not Exist" ([cond]). */
  ObjectDoesNotExist: "0x80040217",
  /**
   * [codes] DuplicateRecord (-2147220937); learn.microsoft.com/troubleshoot/power-platform/power-apps/dataverse/client-errors: "Cannot insert duplicate key".
   * HTTP 412 per learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors ("412 … ConcurrencyVersionMismatch, DuplicateRecord").
   */
  DuplicateRecord: "0x80040237",
  /** [codes] IsvAborted "ISV code aborted the operation.": an extension (here the cloud-flow service) refused the operation. */
  IsvAborted: "0x80040265",
  /** [codes] RequiredFieldMissing "Required field missing." */
  RequiredFieldMissing: "0x80040200",
  /** [codes] InvalidArgument "Invalid argument." */
  InvalidArgument: "0x80040203",
  /** [codes] DuplicateRecordEntityKey "Entity Key {0} violated. A record with the same value for {1} already exists. …" */
  DuplicateRecordEntityKey: "0x80060892",
  /** [codes] RecordNotFoundByEntityKey "A record with the specified key values does not exist in {0} entity" */
  RecordNotFoundByEntityKey: "0x80060891",
  /** [codes] EntityKeyNotDefined "The specified key attributes are not a defined key for the {0} entity" */
  EntityKeyNotDefined: "0x80060890",
  /** [codes] ConcurrencyVersionMismatch "The version of the existing record doesn't match the RowVersion property provided." */
  ConcurrencyVersionMismatch: "0x80060882",
  /** [codes] ODataClientPayloadError "Error identified in Payload provided by the user for Entity :'{0}' … InnerException : {1}." ([client] shows it on the wire). */
  ODataClientPayloadError: "0x80048d19",
  /** [client] "Resource not found for the segment 'Account'." (HTTP 404). */
  ResourceNotFoundForSegment: "0x8006088a",
  /**
   * Query option errors ($select/$filter/$orderby naming an unknown property, or bad $filter syntax).
   * [client] documents the message "Could not find a property named '{p}' on type 'Microsoft.Dynamics.CRM.{e}'."
   * (HTTP 400; its older example shows code 0x0). The live service answers these with 0x80060888, which
   * is what many public clients match on; the code is not listed by name in [codes], so this is the one
   * code here taken from observed behaviour rather than from Microsoft's list.
   */
  QueryInvalid: "0x80060888",
  /**
   * learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows#condition-limits:
   * TooManyConditionsInQuery "Number of conditions in query exceeded maximum limit." (more than 500).
   */
  TooManyConditionsInQuery: "0x8004430C",
  /** [codes] PicklistValueOutOfRange "The picklist value is out of the range." */
  PicklistValueOutOfRange: "0x8004431A",
  /** [codes] IntegerValueOutOfRange "A validation error occurred. An integer provided is outside of the allowed values for this attribute." */
  IntegerValueOutOfRange: "0x8004432F",
  /** [batch] "A validation error occurred. The length of the 'subject' attribute of the 'task' entity exceeded the maximum allowed length of '200'." */
  MaxLengthExceeded: "0x80044331",
  /** [codes] DuplicateIsoCurrencyCode "Cannot insert duplicate currency record. Currency with the same currency code already exist in the system." */
  DuplicateIsoCurrencyCode: "0x80048cf3",
  /** [codes] OpportunityIsAlreadyClosed "The opportunity is already closed." */
  OpportunityIsAlreadyClosed: "0x80040515",
  /** [codes] OpportunityAlreadyInOpenState "The opportunity is already in the open state." */
  OpportunityAlreadyInOpenState: "0x8004051a",
  /** [codes] CannotUseOpportunitySetStateMessage (-2146435067) "This message can not be used to set the state of opportunity to {0}. …" */
  CannotUseOpportunitySetStateMessage: "0x80100005",
  /** [codes] LeadAlreadyInClosedState "The lead is already closed." */
  LeadAlreadyInClosedState: "0x80040519",
  /**
   * [codes] CannotDeleteDueToAssociation "The object you tried to delete is associated with another object and cannot be deleted."
   * HTTP 405 per learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors
   * ("405 … CannotDeleteDueToAssociation, InvalidOperation, NotSupported"; "412 … ConcurrencyVersionMismatch, DuplicateRecord").
   */
  CannotDeleteDueToAssociation: "0x80040227",
  /** [codes] CannotUpdateActiveModernFlow "Cannot update property "{0}" on a published Modern Flow process." */
  CannotUpdateActiveModernFlow: "0x80060466",
  /** [codes] NotSupported "This action is not supported." (HTTP 405, see CannotDeleteDueToAssociation) */
  NotSupported: "0x80040315",
  /** [codes] ImportCustomizationsBadZipFileError "The solution file is invalid. The compressed file must contain the following files at its root: solution.xml, customizations.xml, and [Content_Types].xml. …" */
  ImportCustomizationsBadZipFileError: "0x80048060",
  /** [codes] ImportAttributeNameError "Invalid name for attribute {0}. Custom attribute names must start with a valid customization prefix. …" */
  ImportAttributeNameError: "0x80048062",
  /** [codes] ImportSolutionPackageNotValid "The solution package you are importing was generated on a version of Microsoft Dynamics 365 that cannot be imported into this system. …" */
  ImportSolutionPackageNotValid: "0x80048066",
  /** [codes] ImportSolutionError "An error occurred while importing a Solution." */
  ImportSolutionError: "0x80048033",
  /** [codes] ImportMissingDependenciesError "The following solution cannot be imported: {0}. Some dependencies are missing." */
  ImportMissingDependenciesError: "0x8004801D",
  /** [codes] ImportMissingComponent "Cannot add a Root Component {0} of type {1} because it is not in the target system." */
  ImportMissingComponent: "0x8004801F",
  /** [codes] ImportMissingRootComponentEntry "The import has failed because component {0} of type {1} is not declared in the solution file as a root component. …" */
  ImportMissingRootComponentEntry: "0x8004803A",
  /** [codes] ImportNonWellFormedFileError "Invalid customization file. This file is not well formed." */
  ImportNonWellFormedFileError: "0x80048013",
  /** [codes] ImportWrongPublisherError "The following managed solution cannot be imported: {0}. The publisher name cannot be changed from {1} to {2}." */
  ImportWrongPublisherError: "0x8004801C",
  /** [codes] ImportSolutionManagedToUnmanagedMismatch "The solution is already installed on this system as an unmanaged solution and the package supplied is attempting to install it in managed mode. …" */
  ImportSolutionManagedToUnmanagedMismatch: "0x80048040",
  /** [codes] ImportSolutionUnmanagedToManagedMismatch "The solution is already installed on this system as a managed solution and the package supplied is attempting to install it in unmanaged mode. …" */
  ImportSolutionUnmanagedToManagedMismatch: "0x80048041",
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes] | "";

/** A failure to answer in Dataverse's error shape. */
export class DataverseError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "DataverseError";
  }

  toJSON(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

// Helpers for the errors that occur in many places.

export const notFound = (entity: string, id: string): DataverseError =>
  new DataverseError(404, ErrorCodes.ObjectDoesNotExist, `${entity} With Id = ${id} Does Not Exist`);

export const segmentNotFound = (segment: string): DataverseError =>
  new DataverseError(404, ErrorCodes.ResourceNotFoundForSegment, `Resource not found for the segment '${segment}'.`);

export const propertyNotFound = (property: string, entity: string): DataverseError =>
  new DataverseError(
    400,
    ErrorCodes.QueryInvalid,
    `Could not find a property named '${property}' on type 'Microsoft.Dynamics.CRM.${entity}'.`,
  );

export const queryError = (message: string): DataverseError =>
  new DataverseError(400, ErrorCodes.QueryInvalid, message);

export const payloadError = (entitySet: string, inner: string): DataverseError =>
  new DataverseError(
    400,
    ErrorCodes.ODataClientPayloadError,
    `Error identified in Payload provided by the user for Entity :'${entitySet}', For more information on this error please follow this help link https://go.microsoft.com/fwlink/?linkid=2195293  ---->  InnerException : ${inner}`,
  );

export const importError = (code: ErrorCode, message: string): DataverseError => new DataverseError(400, code, message);
