/**
 * `oauth2-session/providers`: provider presets (server description, quirk hooks, user endpoint).
 *
 * @module oauth2-session/providers
 */

export {
  definePreset,
  type PresetDefinition,
  type ProviderPreset,
  type UserEndpoint,
  userRequest,
} from '../provider.js';
export {
  type AppleClientSecretOptions,
  type AppleProviderOptions,
  apple,
  appleClientSecret,
  appleProvider,
} from './apple.js';
export { type AtlassianProviderOptions, atlassian, atlassianProvider } from './atlassian.js';
export { type Auth0ProviderOptions, auth0Provider } from './auth0.js';
export { type BitbucketProviderOptions, bitbucket, bitbucketProvider } from './bitbucket.js';
export { type BoxProviderOptions, box, boxProvider } from './box.js';
export { type CognitoProviderOptions, cognitoProvider } from './cognito.js';
export { type DiscordProviderOptions, discord, discordProvider } from './discord.js';
export { type DropboxProviderOptions, dropbox, dropboxProvider } from './dropbox.js';
export { type FacebookProviderOptions, facebook, facebookProvider } from './facebook.js';
export { type FigmaProviderOptions, figma, figmaProvider } from './figma.js';
export { type FitbitProviderOptions, fitbit, fitbitProvider } from './fitbit.js';
export { fixes } from './fixes.js';
export { type GitHubProviderOptions, github, githubProvider } from './github.js';
export { type GitLabProviderOptions, gitlab, gitlabProvider } from './gitlab.js';
export { type GoogleProviderOptions, google, googleProvider } from './google.js';
export { type KeycloakProviderOptions, keycloakProvider } from './keycloak.js';
export { type LinearProviderOptions, linear, linearProvider } from './linear.js';
export { type LinkedInProviderOptions, linkedin, linkedinProvider } from './linkedin.js';
export { type MailchimpProviderOptions, mailchimp, mailchimpProvider } from './mailchimp.js';
export { type MicrosoftProviderOptions, microsoft, microsoftProvider } from './microsoft.js';
export { type NotionProviderOptions, notion, notionProvider } from './notion.js';
export { type OktaProviderOptions, oktaProvider } from './okta.js';
export { type PatreonProviderOptions, patreon, patreonProvider } from './patreon.js';
export { type RedditProviderOptions, reddit, redditProvider } from './reddit.js';
export { type SalesforceProviderOptions, salesforce, salesforceProvider } from './salesforce.js';
export { type SlackProviderOptions, slack, slackProvider } from './slack.js';
export { type SpotifyProviderOptions, spotify, spotifyProvider } from './spotify.js';
export { type StravaProviderOptions, strava, stravaProvider } from './strava.js';
export { type TwitchProviderOptions, twitch, twitchProvider } from './twitch.js';
export { type TwitterProviderOptions, twitter, twitterProvider } from './twitter.js';
export { type YahooProviderOptions, yahoo, yahooProvider } from './yahoo.js';
export { type ZoomProviderOptions, zoom, zoomProvider } from './zoom.js';
