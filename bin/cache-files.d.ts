// The types of cache-files.js, for the engine's type check (engine/typecheck.ts keeps its records with it).
export declare const ENGINE_FOLDERS: string[];
export declare function typescriptSources(root: string, folders: string[], beforeReading?: (folder: string) => void): string[];
export declare function rememberedSources(root: string, folders: string[], listFile: string): string[];
export declare const unchanged: (stamps: string[]) => boolean;
export declare function readJsonFile(path: string): unknown;
export declare function stampOf(path: string): string;
export declare const stampsOf: (paths: string[]) => string[];
export declare function digest(parts: (string | Uint8Array)[]): string;
export declare function fileNameOf(text: string): string;
export declare function writeFileAtomically(path: string, text: string | Uint8Array): void;
