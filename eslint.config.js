import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * The layering rules from DESIGN.md, enforced here rather than remembered:
 * shared/ imports nothing of ours, core/ never imports electron, the
 * renderer sees only shared/, and only platform/, main and preload may
 * touch Electron.
 */
const ourFolders = (except) =>
  ['electron', 'renderer', 'tests']
    .filter((folder) => !except.includes(folder))
    .map((folder) => ({
      group: [`**/${folder}/**`, `../${folder}/**`, `../../${folder}/**`, `../../../${folder}/**`],
      message: `This folder may not import from ${folder}/ (see DESIGN.md, "Processes and layers").`,
    }));

const noElectron = {
  name: 'electron',
  message: 'Only electron/platform/, main.ts and preload.ts may import electron.',
};
const nodeBuiltins = {
  regex: '^(node:.*|fs|path|os|child_process|net|tls|dgram|crypto|http|https|stream|url|util)$',
  message: 'Renderer code runs sandboxed without Node; ask the main side through window.ferry.',
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js', 'tests/bench/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: [...ourFolders([]), nodeBuiltins] }],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/cli/**/*.ts', 'electron/web/**/*.ts', 'electron/ipc/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            ...ourFolders(['electron']),
            {
              group: ['**/platform/**'],
              message: 'platform/ is Electron-only; depend on the interface in core/ instead.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            ...ourFolders(['electron']),
            {
              group: ['**/ipc/**', '**/web/**', '**/cli/**', '**/platform/**', '../main*', '../preload*'],
              message: 'core/ is the bottom layer: it may import shared/, Node and libraries only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/web/browser/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            ...ourFolders(['electron']),
            {
              group: [
                '../../core/**',
                '../../ipc/**',
                '../../cli/**',
                '../../platform/**',
                '../server*',
                '../gate*',
                '../main*',
                '../protocol*',
              ],
              message: 'The browser bridge runs in the page: it may import shared/ only.',
            },
            nodeBuiltins,
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        { paths: [noElectron], patterns: [...ourFolders(['renderer']), nodeBuiltins] },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', URL: 'readonly', console: 'readonly' } },
  },
);
