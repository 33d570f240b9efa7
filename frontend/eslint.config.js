import { readdirSync } from 'node:fs';

import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import prettier from 'eslint-config-prettier/flat';
import { importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import reactRefresh from 'eslint-plugin-react-refresh';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/ and who may import whom (import-x/no-restricted-paths):
 * - src/app composes the features (routes, providers, realtime topics); nothing imports it
 *   except test support (src/test) and tests that render the whole app, which live in src/app.
 * - src/features/<name> imports no other feature: what two features share moves down to
 *   src/entities (key factories and query options of shared records), src/lib or
 *   src/components; what one feature hands another (the request review drawer on the
 *   dashboard) is passed by src/app as a prop.
 * - src/entities, src/lib and src/components import no feature and not src/app.
 */
const FEATURES = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const LAYER_ZONES = [
  ...FEATURES.map((feature) => ({
    target: `./src/features/${feature}`,
    from: './src/features',
    except: [`./${feature}`],
    message:
      'A feature imports no other feature: share through src/entities, src/lib or src/components, or compose in src/app.',
  })),
  {
    target: './src/features',
    from: './src/app',
    message: 'Features do not import the app layer; src/app composes them.',
  },
  {
    target: ['./src/entities', './src/lib', './src/components'],
    from: ['./src/features', './src/app'],
    message: 'Shared layers (entities, lib, components) import no feature and not the app layer.',
  },
];

export default defineConfig([
  globalIgnores(['dist', 'coverage', 'node_modules', 'src/lib/api/schema.d.ts']),
  {
    files: ['**/*.{ts,tsx}'],
    extends: [
      js.configs.recommended,
      tseslint.configs.strictTypeChecked,
      tseslint.configs.stylisticTypeChecked,
      reactHooks.configs.flat.recommended,
      reactRefresh.configs.vite,
    ],
    languageOptions: {
      ecmaVersion: 2023,
      globals: globals.browser,
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createTypeScriptImportResolver({ project: './tsconfig.app.json' }),
      ],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: LAYER_ZONES }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    files: ['vite.config.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
  prettier,
]);
