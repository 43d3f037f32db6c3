export * from './catalog.js';
export * from './flow-loader.js';
export * from './flow-schema.js';
export * from './session.js';
export * from './step.js';
export * from './texts.js';
export { matchChoice, parseDate, localDate, suggestTitle } from './parsers.js';
export * from './session-codec.js';
