export * from './complaint.js';
export * from './message.js';
export * from './tracking-code.js';
export * from './routing.js';
export * from './privacy.js';
export * from './submission.js';
