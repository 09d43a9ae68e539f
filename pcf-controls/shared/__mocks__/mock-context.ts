/**
 * A hand-written PCF context for jsdom unit tests (the powercat-code-components style): every
 * member of ComponentFramework.Context, with the parts our controls may touch as jest.fn()s so a
 * test can assert they were never called (no network: webAPI, utils, navigation), and strings
 * read from the control's real resx file.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { readResx } from "../../../scripts/src/pcf/resx";

export interface MockOptions {
  /** Windows LCID of the user's language (1033 = en-US). */
  languageId?: number;
  /** Offset of the user's Dataverse time zone, fixed or per date (DST). */
  timeZoneOffsetMinutes?: number | ((date: Date) => number);
  isRTL?: boolean;
  /** Override the resx strings (e.g. to test a missing string). */
  strings?: Record<string, string>;
}

/** Strings of a control's 1033 resx: pcf-controls/<control>/<control>/strings/<control>.1033.resx. */
export function controlStrings(control: string): Record<string, string> {
  return readResx(path.join(__dirname, "..", "..", control, control, "strings", `${control}.1033.resx`));
}

export function property<T>(type: string, raw: T, formatted?: string): ComponentFramework.PropertyTypes.Property & { raw: T } {
  return { type, raw, formatted, error: false, errorMessage: "" };
}

export class MockContext<TInputs> implements ComponentFramework.Context<TInputs> {
  parameters: TInputs;
  updatedProperties: string[] = [];
  resources: ComponentFramework.Resources;
  userSettings: ComponentFramework.UserSettings;
  mode: ComponentFramework.Mode;
  client: ComponentFramework.Client;
  device: ComponentFramework.Device;
  factory: ComponentFramework.Factory;
  formatting: ComponentFramework.Formatting;
  navigation: ComponentFramework.Navigation;
  utils: ComponentFramework.Utility;
  webAPI: ComponentFramework.WebApi;
  copilot: ComponentFramework.Copilot;
  events: ComponentFramework.IEventBag;

  constructor(parameters: TInputs, strings: Record<string, string>, options: MockOptions = {}) {
    this.parameters = parameters;
    const table = options.strings ?? strings;
    this.resources = {
      getString: jest.fn((id: string) => (Object.prototype.hasOwnProperty.call(table, id) ? table[id] : "")),
      getResource: jest.fn(),
    };
    const offset = options.timeZoneOffsetMinutes ?? 0;
    this.userSettings = {
      languageId: options.languageId ?? 1033,
      isRTL: options.isRTL ?? false,
      userId: "{00000000-0000-0000-0000-000000000001}",
      userName: "Test User",
      securityRoles: [],
      dateFormattingInfo: {} as ComponentFramework.UserSettingApi.DateFormattingInfo,
      numberFormattingInfo: {} as ComponentFramework.UserSettingApi.NumberFormattingInfo,
      getTimeZoneOffsetMinutes: jest.fn((date?: Date) => (typeof offset === "function" ? offset(date ?? new Date()) : offset)),
    };
    this.mode = {
      allocatedHeight: -1,
      allocatedWidth: -1,
      isControlDisabled: true,
      isVisible: true,
      label: "label",
      setControlState: jest.fn(() => true),
      setFullScreen: jest.fn(),
      trackContainerResize: jest.fn(),
    } as unknown as ComponentFramework.Mode;
    this.client = {
      disableScroll: false,
      getClient: jest.fn(() => "Web"),
      getFormFactor: jest.fn(() => 1),
      isOffline: jest.fn(() => false),
      isNetworkAvailable: jest.fn(() => true),
    } as unknown as ComponentFramework.Client;
    this.device = { captureAudio: jest.fn(), captureImage: jest.fn(), captureVideo: jest.fn(), getBarcodeValue: jest.fn(), getCurrentPosition: jest.fn(), pickFile: jest.fn() } as unknown as ComponentFramework.Device;
    this.factory = { getPopupService: jest.fn(), requestRender: jest.fn() } as unknown as ComponentFramework.Factory;
    this.formatting = {
      formatCurrency: jest.fn(),
      formatDecimal: jest.fn(),
      formatDateAsFilterStringInUTC: jest.fn(),
      formatDateLong: jest.fn(),
      formatDateLongAbbreviated: jest.fn(),
      formatDateShort: jest.fn(),
      formatDateYearMonth: jest.fn(),
      formatInteger: jest.fn(),
      formatLanguage: jest.fn(),
      formatTime: jest.fn(),
      getWeekOfYear: jest.fn(),
    } as unknown as ComponentFramework.Formatting;
    this.navigation = {
      openAlertDialog: jest.fn(),
      openConfirmDialog: jest.fn(),
      openErrorDialog: jest.fn(),
      openFile: jest.fn(),
      openForm: jest.fn(),
      openUrl: jest.fn(),
      openWebResource: jest.fn(),
    } as unknown as ComponentFramework.Navigation;
    this.utils = { getEntityMetadata: jest.fn(), hasEntityPrivilege: jest.fn(), lookupObjects: jest.fn() } as unknown as ComponentFramework.Utility;
    this.webAPI = {
      createRecord: jest.fn(),
      deleteRecord: jest.fn(),
      updateRecord: jest.fn(),
      retrieveMultipleRecords: jest.fn(),
      retrieveRecord: jest.fn(),
    } as unknown as ComponentFramework.WebApi;
    this.copilot = { executeEvent: jest.fn(), executePrompt: jest.fn() } as unknown as ComponentFramework.Copilot;
    this.events = {} as ComponentFramework.IEventBag;
  }

  /** Every jest.fn of the context that would reach the network or leave the form. */
  outboundCalls(): number {
    const groups = [this.webAPI, this.utils, this.navigation, this.device] as unknown as Array<Record<string, jest.Mock>>;
    return groups.reduce((n, group) => n + Object.values(group).reduce((m, fn) => m + (jest.isMockFunction(fn) ? fn.mock.calls.length : 0), 0), 0);
  }
}

export interface ManifestSummary {
  namespace: string;
  constructorName: string;
  controlType: string;
  displayNameKey: string;
  descriptionKey: string;
  properties: Array<{ name: string; ofType: string; usage: string; displayNameKey: string; descriptionKey: string }>;
  platformLibraries: number;
  resx: string[];
  css: string[];
}

/** The parts of pcf-controls/<control>/<control>/ControlManifest.Input.xml the contract tests check. */
export function readManifest(control: string): ManifestSummary {
  const xml = readFileSync(path.join(__dirname, "..", "..", control, control, "ControlManifest.Input.xml"), "utf8");
  const list = ["property", "resx", "css", "platform-library", "code"];
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: (n) => list.includes(n) }).parse(xml);
  const c = doc.manifest.control;
  const res = c.resources ?? {};
  return {
    namespace: c["@namespace"],
    constructorName: c["@constructor"],
    controlType: c["@control-type"],
    displayNameKey: c["@display-name-key"],
    descriptionKey: c["@description-key"],
    properties: (c.property ?? []).map((p: Record<string, string>) => ({
      name: p["@name"],
      ofType: p["@of-type"],
      usage: p["@usage"],
      displayNameKey: p["@display-name-key"],
      descriptionKey: p["@description-key"],
    })),
    platformLibraries: (res["platform-library"] ?? []).length,
    resx: (res.resx ?? []).map((r: Record<string, string>) => r["@path"]),
    css: (res.css ?? []).map((r: Record<string, string>) => r["@path"]),
  };
}
