// Stand-in for front_end/core/i18n/i18n.js in the leakcheck cross-check bundle.
//
// The real module needs a generated locales.js (produced by DevTools' GN build,
// not shipped in the npm package) and browser locale loading. None of it
// affects heap snapshot numbers:
//  - the worker itself only calls serializeUIString() to format progress
//    messages; that function is copied verbatim from core/i18n/i18nImpl.ts;
//  - core/common (pulled in via text_utils/ContentData.ts) registers UI strings
//    at module load time; those get inert English-only stand-ins here.
type Values = Record<string, Object>;

function serializeUIString(string: string, values: Values = {}): string {
  const serializedMessage = {string, values};
  return JSON.stringify(serializedMessage);
}

function format(string: string, values: Values = {}): string {
  return string.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

function registerUIStrings(_path: string, strings: Record<string, string>): (id: string, values?: Values) => string {
  return (id: string, values?: Values) => format(strings[id] ?? id, values);
}

function getLocalizedString(str: (id: string, values?: Values) => string, id: string, values?: Values): string {
  return str(id, values);
}

function getLazilyComputedLocalizedString(
    str: (id: string, values?: Values) => string, id: string, values?: Values): () => string {
  return () => str(id, values);
}

function lockedString(s: string): string {
  return s;
}

function lockedLazyString(s: string): () => string {
  return () => s;
}

export const i18n = {
  serializeUIString,
  registerUIStrings,
  getLocalizedString,
  getLazilyComputedLocalizedString,
  lockedString,
  lockedLazyString,
};
