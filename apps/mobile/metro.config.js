// Expo's default Metro config already understands npm workspaces (watch folders, node_modules of the
// repository root); the shared @verzek/contract and @verzek/core packages are TypeScript sources.
const { getDefaultConfig } = require('expo/metro-config');

module.exports = getDefaultConfig(__dirname);
