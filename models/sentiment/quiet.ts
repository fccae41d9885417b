// natural 8 pulls in dotenv, which prints a banner to stdout on import; JSON output and server logs must stay
// clean. Imported before natural (ES modules evaluate imports in order), so any entry point is covered.
process.env.DOTENV_CONFIG_QUIET ??= 'true';
