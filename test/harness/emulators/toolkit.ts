/**
 * The emulator toolkit in one import: the HTTP server and its replies ({@link startEmulator}),
 * and the OAuth state and checks ({@link Authority}, {@link authenticateClient},
 * {@link authorize}, {@link verifyPkce}).
 */
export * from './authority.js';
export * from './server.js';
