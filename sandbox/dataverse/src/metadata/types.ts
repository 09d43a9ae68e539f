/**
 * Table metadata as the emulator keeps it: enough of Dataverse's EntityMetadata / AttributeMetadata
 * to validate writes, answer queries and serve EntityDefinitions. Plain JSON so it persists as is.
 */

export type AttributeType =
  | "Uniqueidentifier"
  | "String"
  | "Memo"
  | "Integer"
  | "BigInt"
  | "Decimal"
  | "Double"
  | "Money"
  | "Boolean"
  | "DateTime"
  | "Picklist"
  | "State"
  | "Status"
  | "MultiSelectPicklist"
  | "Lookup"
  | "Customer"
  | "Owner"
  | "EntityName";

export type RequiredLevel = "None" | "SystemRequired" | "ApplicationRequired" | "Recommended";

export interface OptionMeta {
  value: number;
  label: string;
  /** For Status options: the statecode the status belongs to. */
  state?: number;
  /** For State options: the default statuscode of that state. */
  defaultStatus?: number;
}

export interface AttributeMeta {
  logicalName: string;
  schemaName: string;
  type: AttributeType;
  displayName: string;
  requiredLevel: RequiredLevel;
  /** String format: Text, Email, Url, Phone, TextArea; DateTime: DateOnly or DateAndTime. */
  format?: string;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  precision?: number;
  options?: OptionMeta[];
  /** Global option set name when the choice is bound to one. */
  optionSetName?: string;
  /** Default value applied on create (choices, yes/no). */
  defaultValue?: number | boolean | string;
  /** Lookup targets (logical names). */
  targets?: string[];
  isCustom: boolean;
  validForCreate: boolean;
  validForUpdate: boolean;
  validForRead: boolean;
  /** Value computed by the emulator (e.g. fullname); never accepted in a payload. */
  computed?: "fullname";
  metadataId: string;
  /** Solution that added the column (unique name), for solutioncomponent rows. */
  solution?: string;
}

export interface KeyMeta {
  logicalName: string;
  schemaName: string;
  displayName: string;
  attributes: string[];
  metadataId: string;
  solution?: string;
}

export type CascadeDelete = "Cascade" | "RemoveLink" | "Restrict" | "NoCascade";

/** A one-to-many relationship (lookup on the referencing table). */
export interface RelationshipMeta {
  schemaName: string;
  referencedEntity: string;
  referencedAttribute: string;
  referencingEntity: string;
  referencingAttribute: string;
  /** Single-valued navigation property on the referencing table (e.g. customerid_account, pcs_OpportunityId). */
  referencingNavigation: string;
  /** Collection-valued navigation property on the referenced table. */
  referencedNavigation: string;
  cascadeDelete: CascadeDelete;
  isCustom: boolean;
  metadataId: string;
  solution?: string;
}

/** A many-to-many relationship: recorded from solutions, not navigable in this emulator. */
export interface ManyToManyMeta {
  schemaName: string;
  entity1: string;
  entity2: string;
  intersectEntity: string;
  metadataId: string;
  solution?: string;
}

export interface EntityMeta {
  logicalName: string;
  schemaName: string;
  entitySetName: string;
  primaryIdAttribute: string;
  primaryNameAttribute: string;
  displayName: string;
  displayCollectionName: string;
  ownershipType: "UserOwned" | "OrganizationOwned" | "None";
  isCustom: boolean;
  isActivity: boolean;
  objectTypeCode: number;
  attributes: Record<string, AttributeMeta>;
  keys: KeyMeta[];
  metadataId: string;
  solution?: string;
}

/** Lead → opportunity (and other) column mappings applied by QualifyLead. */
export interface EntityMapMeta {
  source: string;
  target: string;
  attributes: Array<{ source: string; target: string }>;
  solution?: string;
}

export interface GlobalOptionSetMeta {
  name: string;
  type: "picklist" | "bit";
  options: OptionMeta[];
  metadataId: string;
  solution?: string;
}

/** The whole model: serialisable, cloned for an import so a failed import changes nothing. */
export interface MetadataModel {
  entities: Record<string, EntityMeta>;
  relationships: RelationshipMeta[];
  manyToMany: ManyToManyMeta[];
  entityMaps: EntityMapMeta[];
  optionSets: Record<string, GlobalOptionSetMeta>;
}
