// ts-jest for this project's TypeScript and the ESM-only packages jest must turn into CommonJS
// (jest.config.js). TypeScript leaves `import.meta.url` as it is, which CommonJS cannot parse: it
// becomes the module's own file URL. (@platformatic/kafka and @platformatic/wasm-utils use it.)
// eslint-disable-next-line @typescript-eslint/no-require-imports -- jest loads this transformer as CommonJS (jest.config.js)
const { TsJestTransformer } = require('ts-jest');

const OWN_REQUIRE = /\bconst require = createRequire\(import\.meta\.url\);?/g;
const IMPORT_META_URL = /\bimport\.meta\.url\b/g;
const FILE_URL = "require('node:url').pathToFileURL(__filename).href";
const withoutImportMeta = (source, file) => (file.includes('/node_modules/') ? source.replace(OWN_REQUIRE, '').replace(IMPORT_META_URL, FILE_URL) : source);

class TsJestEsm extends TsJestTransformer {
  process(source, file, options) {
    return super.process(withoutImportMeta(source, file), file, options);
  }

  processAsync(source, file, options) {
    return super.processAsync(withoutImportMeta(source, file), file, options);
  }

  getCacheKey(source, file, options) {
    return super.getCacheKey(withoutImportMeta(source, file), file, options);
  }
}

module.exports = { createTransformer: (config) => new TsJestEsm(config) };
