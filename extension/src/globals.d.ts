// Set by build.mjs: true in the test build only (hooks the browser tests drive).
declare const __TEST__: boolean;
