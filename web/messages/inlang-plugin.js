// A minimal inlang plugin: reads and writes web/messages/{locale}.json, flat objects whose values are
// strings with {variable} placeholders (the simple form of inlang's own message format).
//
// Why our own: the official @inlang/plugin-message-format is loaded from a CDN at build time, and our
// builds must not depend on the network. The inlang SDK imports this file through a data: URL, so it
// must stay a single module with no imports. Plurals are chosen in code (Intl.PluralRules) with
// `_one`/`_other` keys, so no variant syntax is needed here.
const KEY = 'plugin.officina.flatJson';
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function parsePattern(text) {
  const pattern = [];
  const inputs = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index > last) pattern.push({ type: 'text', value: text.slice(last, match.index) });
    pattern.push({ type: 'expression', arg: { type: 'variable-reference', name: match[1] } });
    inputs.push(match[1]);
    last = match.index + match[0].length;
  }
  if (last < text.length) pattern.push({ type: 'text', value: text.slice(last) });
  return { pattern, inputs };
}

function serializePattern(pattern) {
  return pattern
    .map((part) => (part.type === 'text' ? part.value : part.type === 'expression' && part.arg.type === 'variable-reference' ? `{${part.arg.name}}` : ''))
    .join('');
}

export default {
  key: KEY,
  toBeImportedFiles({ settings }) {
    const pathPattern = settings[KEY]?.pathPattern ?? './messages/{locale}.json';
    return settings.locales.map((locale) => ({ locale, path: pathPattern.replace('{locale}', locale) }));
  },
  importFiles({ files }) {
    const bundles = new Map();
    const messages = [];
    const variants = [];
    for (const file of files) {
      const json = JSON.parse(new TextDecoder().decode(file.content));
      for (const [id, value] of Object.entries(json)) {
        if (id.startsWith('$')) continue;
        if (typeof value !== 'string') throw new Error(`${file.locale}.json: "${id}" must be a string`);
        const { pattern, inputs } = parsePattern(value);
        const bundle = bundles.get(id) ?? { id, declarations: [] };
        for (const name of inputs) {
          if (!bundle.declarations.some((d) => d.name === name)) bundle.declarations.push({ type: 'input-variable', name });
        }
        bundles.set(id, bundle);
        messages.push({ bundleId: id, locale: file.locale, selectors: [] });
        variants.push({ messageBundleId: id, messageLocale: file.locale, matches: [], pattern });
      }
    }
    return { bundles: [...bundles.values()], messages, variants };
  },
  exportFiles({ messages, variants, settings }) {
    const pathPattern = settings[KEY]?.pathPattern ?? './messages/{locale}.json';
    const byLocale = new Map();
    for (const message of messages) {
      const variant = variants.find((v) => v.messageId === message.id);
      if (!variant) continue;
      const out = byLocale.get(message.locale) ?? {};
      out[message.bundleId] = serializePattern(variant.pattern);
      byLocale.set(message.locale, out);
    }
    return [...byLocale].map(([locale, content]) => ({
      locale,
      name: pathPattern.replace('{locale}', locale).replace(/^.*\//, ''),
      content: new TextEncoder().encode(JSON.stringify(content, null, 2) + '\n'),
    }));
  },
};
