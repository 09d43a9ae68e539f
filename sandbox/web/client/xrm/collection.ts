/**
 * The client API's ItemCollection: get() (all), get(index), get(name), get(predicate), forEach,
 * getLength (learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/collections).
 */
export class ItemCollection<T extends { getName(): string }> {
  constructor(private readonly items: () => T[]) {}

  get(): T[];
  get(item: number | string): T | null;
  get(predicate: (item: T, index: number) => boolean): T[];
  get(arg?: number | string | ((item: T, index: number) => boolean)): T | T[] | null {
    const all = this.items();
    if (arg === undefined) return [...all];
    if (typeof arg === "number") return all[arg] ?? null;
    if (typeof arg === "string") return all.find((i) => i.getName() === arg) ?? null;
    return all.filter(arg);
  }

  forEach(fn: (item: T, index: number) => void): void {
    this.items().forEach(fn);
  }

  getLength(): number {
    return this.items().length;
  }
}
