/**
 * Language details beyond the documented examples: parsing edge cases, case-insensitive names,
 * alias paths, '?' access, interpolation of non-strings, error messages, number types, .NET
 * date and number formats, time zones.
 */
import { EvalContext, evaluateString, ExpressionError, parseExpression, parseTemplate, toPlain, typeName, WorkflowAccess } from "../src/expression";

const ctx = (trigger: unknown = {}): EvalContext => ({
  now: () => "2024-02-29T23:59:59.1234567Z",
  newGuid: () => "c2ecc88d-88c8-4096-912c-d6f2e2b138ce",
  random: () => 0,
  workflow: {
    trigger: () => ({ name: "manual", outputs: { headers: {}, body: trigger } }),
  } as unknown as WorkflowAccess,
});
const ev = (s: string, t?: unknown) => toPlain(evaluateString(s, ctx(t)));

describe("parser", () => {
  it("function names are case-insensitive", () => {
    expect(ev("@TOLOWER('ABC')")).toBe("abc");
    expect(ev("@Concat('a', 'b')")).toBe("ab");
  });
  it("string literals escape quotes by doubling them", () => {
    expect(ev("@concat('it''s', ' ok')")).toBe("it's ok");
    expect(ev("@{'a''b'}")).toBe("a'b");
  });
  it("number literals: integers, floats, negatives, leading dot", () => {
    expect(ev("@add(-1, .5)")).toBe(-0.5);
    expect(typeName(evaluateString("@1.0", ctx()))).toBe("Float");
    expect(typeName(evaluateString("@10", ctx()))).toBe("Integer");
  });
  it("'.x', ['x'] and '?' access; alias paths split on '/'", () => {
    const body = { a: { "b/c": 1, d: { e: [10, 20] } }, "odd/key": "exact" };
    expect(ev("@triggerBody().a.d.e[1]", body)).toBe(20);
    expect(ev("@triggerBody()?['a']?['d']?['e']?[0]", body)).toBe(10);
    expect(ev("@triggerBody()?['a/d/e']", body)).toEqual([10, 20]);
    expect(ev("@triggerBody()?['a/b/c']", body)).toBeNull();
    expect(ev("@triggerBody()?['odd/key']", body)).toBe("exact");
    expect(ev("@triggerOutputs()?['body/a/d/e/1']", body)).toBe(20);
    expect(ev("@triggerBody()?['missing']?['deeper']", body)).toBeNull();
  });
  it("property names match case-insensitively when there is no exact match", () => {
    expect(ev("@triggerBody()?['NAME']", { name: "x" })).toBe("x");
  });
  it("errors on access without '?' and on bad syntax, with Power Automate's wording", () => {
    expect(() => ev("@triggerBody()['missing']", { a: 1 })).toThrow("The template language expression 'triggerBody()['missing']' cannot be evaluated because property 'missing' doesn't exist, available properties are 'a'.");
    expect(() => ev("@triggerBody()['a']['b']", { a: null })).toThrow(/cannot be selected. Property selection is not supported on values of type 'Null'/);
    expect(() => ev("@createArray(1)[3]")).toThrow(/array index '3' is outside bounds \(0 - 0\) of array/);
    expect(() => ev("@concat('a'")).toThrow(ExpressionError);
    expect(() => ev("@nosuch(1)")).toThrow("The template language function 'nosuch' is not defined or not valid.");
    expect(() => ev("@length()")).toThrow("The template language function 'length' expects 1 parameter. The function was invoked with '0' parameters.");
    expect(() => ev("@toLower(1)")).toThrow("The template language function 'toLower' expects its first parameter to be of type string. The provided value is of type 'Integer'.");
    expect(() => parseExpression("a b")).toThrow(/not a function call or a literal/);
  });
  it("templates: whole expression typed, interpolation always a string, @@ escapes", () => {
    expect(parseTemplate("@add(1,2)").kind).toBe("expression");
    expect(parseTemplate("x @{add(1,2)} y").kind).toBe("interpolation");
    expect(parseTemplate("user@example.com").kind).toBe("text");
    expect(ev("user@example.com")).toBe("user@example.com");
    expect(ev("@@startsWithAt")).toBe("@startsWithAt");
    expect(ev("@{true} @{null}|@{createArray(1,'a')} @{json('{\"a\":1}')} @{2.5}")).toBe('True |[1,"a"] {"a":1} 2.5');
    expect(ev("@{'}'}")).toBe("}");
  });
});

describe("numbers", () => {
  it("integer arithmetic stays exact beyond 2^53 (ticks)", () => {
    expect(ev("@sub(ticks('2018-01-01T00:00:01Z'), ticks('2018-01-01T00:00:00Z'))")).toBe(10000000);
    expect(ev("@div(sub(ticks('2024-01-01T00:01:00Z'), ticks('2024-01-01T00:00:00Z')), 10000000)")).toBe(60);
    expect(ev("@string(ticks('2018-01-01T00:00:00Z'))")).toBe("636503616000000000");
  });
  it("integer division truncates toward zero; Float results stay Float", () => {
    expect(ev("@div(-11, 5)")).toBe(-2);
    expect(typeName(evaluateString("@mul(1.5, 2)", ctx()))).toBe("Float");
    expect(typeName(evaluateString("@add(1, 2)", ctx()))).toBe("Integer");
    expect(typeName(evaluateString("@float('3')", ctx()))).toBe("Float");
  });
  it("int() and bool() conversions and failures", () => {
    expect(ev("@int('-42')")).toBe(-42);
    expect(() => ev("@int('4.2')")).toThrow(/cannot be converted to the target type/);
    expect(ev("@bool('TRUE')")).toBe(true);
    expect(() => ev("@bool('maybe')")).toThrow(/cannot be converted to the target type 'Boolean'/);
  });
  it("formatNumber with .NET standard and custom formats", () => {
    expect(ev("@formatNumber(1234.5, 'N1')")).toBe("1,234.5");
    expect(ev("@formatNumber(0.256, 'P1')")).toBe("25.6%");
    expect(ev("@formatNumber(42, 'D5')")).toBe("00042");
    expect(ev("@formatNumber(255, 'X')")).toBe("FF");
    expect(ev("@formatNumber(1234.5678, '0.00')")).toBe("1234.57");
    expect(ev("@formatNumber(-5, '0;(0)')")).toBe("(5)");
    expect(ev("@formatNumber(2.5, 'F0')")).toBe("3");
  });
});

describe("dates", () => {
  it("utcNow uses the injected clock with 7 fraction digits", () => {
    expect(ev("@utcNow()")).toBe("2024-02-29T23:59:59.1234567Z");
    expect(ev("@utcNow('yyyy-MM-dd HH:mm:ss.fff')")).toBe("2024-02-29 23:59:59.123");
    expect(ev("@utcNow('s')")).toBe("2024-02-29T23:59:59");
    expect(ev("@utcNow('r')")).toBe("Thu, 29 Feb 2024 23:59:59 GMT");
    expect(ev("@utcNow('hh:mm tt')")).toBe("11:59 PM");
    expect(ev("@utcNow('ss.FFF')")).toBe("59.123");
    expect(ev("@formatDateTime('2024-01-01T10:00:00Z', 'HH:mm:ss.FFF')")).toBe("10:00:00");
    expect(ev("@formatDateTime('2024-01-01T10:00:00Z', 'yyyy ''year'' MMM')")).toBe("2024 year Jan");
  });
  it("month arithmetic clamps to the end of the month; leap years", () => {
    expect(ev("@addToTime('2024-01-31T00:00:00Z', 1, 'Month')")).toBe("2024-02-29T00:00:00.0000000Z");
    expect(ev("@addToTime('2024-02-29T00:00:00Z', 1, 'Year', 'yyyy-MM-dd')")).toBe("2025-02-28");
    expect(ev("@dayOfYear('2024-12-31')")).toBe(366);
  });
  it("offsets are converted to UTC; invalid timestamps and formats fail clearly", () => {
    expect(ev("@formatDateTime('2024-05-01T10:00:00+02:00')")).toBe("2024-05-01T08:00:00.0000000Z");
    expect(() => ev("@addDays('yesterday', 1)")).toThrow(/expects its parameter to be a string that contains a valid timestamp/);
    expect(() => ev("@utcNow('Q')")).toThrow(/format 'Q' isn't valid/);
  });
  it("time zones by Windows name, across daylight saving", () => {
    expect(ev("@convertFromUtc('2024-07-01T12:00:00Z', 'W. Europe Standard Time', 'HH:mm')")).toBe("14:00");
    expect(ev("@convertFromUtc('2024-01-01T12:00:00Z', 'W. Europe Standard Time', 'HH:mm')")).toBe("13:00");
    expect(ev("@convertTimeZone('2024-07-01T09:00:00', 'Eastern Standard Time', 'India Standard Time', 'HH:mm')")).toBe("18:30");
    expect(() => ev("@convertFromUtc('2024-07-01T12:00:00Z', 'Mars Standard Time')")).toThrow(/time zone 'Mars Standard Time' isn't valid/);
  });
  it("dateDifference prints a TimeSpan with a fraction and sign", () => {
    expect(ev("@dateDifference('2024-01-01T00:00:00Z', '2024-01-01T01:02:03.5Z')")).toBe("01:02:03.5000000");
    expect(ev("@dateDifference('2024-01-02', '2024-01-01')")).toBe("-1.00:00:00");
  });
});

describe("collections and objects", () => {
  it("contains works on strings, arrays (deep) and object keys", () => {
    expect(ev("@contains(createArray(json('{\"a\":1}')), json('{\"a\":1}'))")).toBe(true);
    expect(ev("@contains(json('{\"a\":1}'), 'a')")).toBe(true);
  });
  it("union and intersection of objects; empty of null and {}", () => {
    expect(ev("@union(json('{\"a\":1,\"b\":2}'), json('{\"b\":3}'))")).toEqual({ a: 1, b: 3 });
    expect(ev("@intersection(json('{\"a\":1,\"b\":2}'), json('{\"a\":1,\"b\":3}'))")).toEqual({ a: 1 });
    expect(ev("@empty(null)")).toBe(true);
    expect(ev("@empty(json('{}'))")).toBe(true);
  });
  it("if() evaluates only the branch it returns", () => {
    expect(ev("@if(true, 'safe', div(1, 0))")).toBe("safe");
    expect(ev("@and(false, div(1, 0))")).toBe(false);
  });
  it("equals compares deeply; numbers by value", () => {
    expect(ev("@equals(json('[1,{\"a\":2}]'), createArray(1, json('{\"a\":2}')))")).toBe(true);
    expect(ev("@equals(1, 1.0)")).toBe(true);
    expect(ev("@equals('1', 1)")).toBe(false);
  });
  it("guid formats", () => {
    expect(ev("@guid('N')")).toBe("c2ecc88d88c84096912cd6f2e2b138ce");
    expect(ev("@guid('B')")).toBe("{c2ecc88d-88c8-4096-912c-d6f2e2b138ce}");
  });
});

describe("XML, xpath and form data (issue 14)", () => {
  const text = (s: string, t?: unknown) => evaluateString(`@{${s}}`, ctx(t));
  it("xml() refuses what Json.NET's converter refuses, with a clear message", () => {
    expect(() => ev("@xml(json('{\"a\":1,\"b\":2}'))")).toThrow(/multiple properties/);
    expect(() => ev("@xml(json('[1,2]'))")).toThrow(/cannot be converted to XML/);
    expect(() => ev("@xml('<a><b></a>')")).toThrow(/not well formed/);
    expect(() => ev("@xml(json('{\"my name\":1}'))")).toThrow(/The ' ' character, hexadecimal value 0x20, cannot be included in a name/);
  });
  it("xml() writes attributes, text, nulls and booleans as Json.NET does; string() gives the XML text", () => {
    expect(text("xml(json('{\"a\":{\"@id\":\"1\",\"#text\":\"x & y\",\"b\":null,\"c\":true}}'))")).toBe('<a id="1">x &amp; y<b /><c>true</c></a>');
  });
  it("xpath() answers numbers, booleans and strings as they are; a bad XPath is an expression error", () => {
    expect(ev("@xpath(xml('<a><b>2</b><b>3.5</b></a>'), 'sum(/a/b)')")).toBe(5.5);
    expect(ev("@xpath(xml('<a><b>2</b></a>'), 'count(/a/b) = 1')")).toBe(true);
    expect(ev("@xpath('<a x=\"1\"/>', '/a/@x')")).toBe("1");
    expect(ev("@xpath(xml('<a/>'), '/nothing')")).toEqual([]);
    expect(() => ev("@xpath(xml('<a/>'), '//[')")).toThrow(/is not a valid XPath expression/);
  });
  it("triggerFormDataValue() refuses more than one match (documented) and reads multipart bodies", () => {
    const form = { outputs: { headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "k=1&k=2" } };
    const c: EvalContext = { ...ctx(), workflow: { trigger: () => form } as unknown as WorkflowAccess };
    expect(toPlain(evaluateString("@triggerFormDataMultiValues('k')", c))).toEqual(["1", "2"]);
    expect(() => evaluateString("@triggerFormDataValue('k')", c)).toThrow(/found 2 values for the key 'k'/);
    const multipart = { outputs: { headers: { "Content-Type": "multipart/form-data; boundary=XX" }, body: '--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\nfirst\r\n--XX\r\nContent-Disposition: form-data; name="b"\r\n\r\nsecond\r\n--XX--\r\n' } };
    const m: EvalContext = { ...ctx(), workflow: { trigger: () => multipart } as unknown as WorkflowAccess };
    expect(toPlain(evaluateString("@triggerMultipartBody(1)", m))).toBe("second");
    expect(toPlain(evaluateString("@triggerFormDataValue('a')", m))).toBe("first");
    expect(() => evaluateString("@triggerMultipartBody(2)", m)).toThrow(/the body has 2 parts/);
  });
});
