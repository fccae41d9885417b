/** Types of scripts/debian.mjs (plain JavaScript, so npm test can run it before anything is compiled). */
export function ensureDebianPackage(options: { pkg: string; binary: string; why: string }): string | null;
