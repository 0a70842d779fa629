/**
 * `oauth2-session/providers`: provider presets (endpoints + quirks as compliance hooks).
 *
 * @module
 */

export {
  type GitHubProviderOptions,
  github,
  githubProvider,
  type ProviderPreset,
} from './github.js';
