/** Types for scripts/build.mjs (plain JavaScript, so `npm start` needs no loader). */
export declare function sourceFingerprint(root?: string): string;
export declare function isFresh(root?: string): boolean;
export declare class BuildError extends Error {}
export declare function build(root?: string): void;
export declare function buildIfStale(root?: string): boolean;
