// @ts-check
/**
 * Stryker ignorer `error-message-text`: the human-readable message of a typed error is not a
 * rule. Callers and tests branch on the error's class or `code` (STYLE.md), which stay mutated;
 * only the sentence passed as the message is left alone. docs/testing.md lists it.
 */
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

/** Error class → index of its message argument. */
const MESSAGE_ARG = {
  HardlineError: 1,
  RelayError: 1,
  DecodeError: 0,
  ValidationError: 0,
  CryptoError: 0,
  UsageError: 0,
  TooLargeError: 0,
  // (fault, message): the relay and callers branch on `fault`.
  KeyPackageRefusedError: 1,
};

/** @param {import('@babel/core').NodePath} path */
function shouldIgnore(path) {
  if (!path.isStringLiteral() && !path.isTemplateLiteral()) return undefined;
  const parent = path.parentPath;
  if (!parent || !parent.isNewExpression()) return undefined;
  const callee = parent.node.callee;
  if (callee.type !== 'Identifier' || !(callee.name in MESSAGE_ARG)) return undefined;
  const index = MESSAGE_ARG[/** @type {keyof typeof MESSAGE_ARG} */ (callee.name)];
  return parent.node.arguments[index] === path.node ? 'the message text of a typed error (tests assert on class and code)' : undefined;
}

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, 'error-message-text', { shouldIgnore })];
