/** ajv's options for esm's schemas: every error (allErrors), with the failing data and schema (verbose). */
export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true } as const;
