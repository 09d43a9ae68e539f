import type { AttributeMeta, EntityMeta, MetadataModel, RelationshipMeta } from "./types";

export interface SingleNav {
  name: string;
  attribute: string;
  target: string;
  relationship: RelationshipMeta;
}

export interface CollectionNav {
  name: string;
  childEntity: string;
  childAttribute: string;
  relationship: RelationshipMeta;
}

/**
 * Read access to a MetadataModel with the indexes the Web API needs: tables by logical name and by
 * entity set name, navigation properties by name. Rebuilt whenever the model changes (imports).
 */
export class Registry {
  private readonly bySet = new Map<string, EntityMeta>();
  private readonly singleNavs = new Map<string, Map<string, SingleNav>>();
  private readonly collectionNavs = new Map<string, Map<string, CollectionNav>>();
  /** Navigation property of each (entity, lookup attribute, target) triple, for annotations. */
  private readonly navByLookup = new Map<string, string>();

  constructor(readonly model: MetadataModel) {
    for (const e of Object.values(model.entities)) {
      this.bySet.set(e.entitySetName, e);
      this.singleNavs.set(e.logicalName, new Map());
      this.collectionNavs.set(e.logicalName, new Map());
    }
    for (const r of model.relationships) {
      const child = this.singleNavs.get(r.referencingEntity);
      const parent = this.collectionNavs.get(r.referencedEntity);
      if (!child || !parent) continue;
      child.set(r.referencingNavigation, {
        name: r.referencingNavigation,
        attribute: r.referencingAttribute,
        target: r.referencedEntity,
        relationship: r,
      });
      parent.set(r.referencedNavigation, {
        name: r.referencedNavigation,
        childEntity: r.referencingEntity,
        childAttribute: r.referencingAttribute,
        relationship: r,
      });
      this.navByLookup.set(`${r.referencingEntity}|${r.referencingAttribute}|${r.referencedEntity}`, r.referencingNavigation);
    }
  }

  entity(logicalName: string): EntityMeta | undefined {
    return this.model.entities[logicalName];
  }

  entityBySet(setName: string): EntityMeta | undefined {
    return this.bySet.get(setName);
  }

  entities(): EntityMeta[] {
    return Object.values(this.model.entities);
  }

  attribute(entity: string, attribute: string): AttributeMeta | undefined {
    return this.model.entities[entity]?.attributes[attribute];
  }

  singleNav(entity: string, name: string): SingleNav | undefined {
    return this.singleNavs.get(entity)?.get(name);
  }

  collectionNav(entity: string, name: string): CollectionNav | undefined {
    return this.collectionNavs.get(entity)?.get(name);
  }

  singleNavsOf(entity: string): SingleNav[] {
    return [...(this.singleNavs.get(entity)?.values() ?? [])];
  }

  collectionNavsOf(entity: string): CollectionNav[] {
    return [...(this.collectionNavs.get(entity)?.values() ?? [])];
  }

  navigationFor(entity: string, attribute: string, target: string): string | undefined {
    return this.navByLookup.get(`${entity}|${attribute}|${target}`);
  }

  /** Relationships in which `entity` is the referenced (parent) side. */
  childRelationships(entity: string): RelationshipMeta[] {
    return this.model.relationships.filter((r) => r.referencedEntity === entity);
  }
}

export const isLookupType = (a: AttributeMeta): boolean =>
  a.type === "Lookup" || a.type === "Customer" || a.type === "Owner";

/** Web API property name of a column: lookups appear as _x_value. */
export const webApiName = (a: AttributeMeta): string => (isLookupType(a) ? `_${a.logicalName}_value` : a.logicalName);

export const cloneModel = (m: MetadataModel): MetadataModel => JSON.parse(JSON.stringify(m)) as MetadataModel;
