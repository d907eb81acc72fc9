'use strict';
/**
 * `serverless invoke local` resolves CloudFormation intrinsics in function environments (Fn::Sub,
 * Fn::GetAtt, Ref) only against a deployed stack, so offline it cannot start. For `invoke local` only,
 * this replaces each such variable with the value given as `--env NAME=value` (e.g. the local emulator's
 * bucket), and otherwise stops with a message naming the variables to pass. Packaging and deploying are
 * untouched.
 */
class InvokeLocalEnv {
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    this.hooks = { initialize: () => this.substitute() };
  }

  substitute() {
    const commands = this.serverless.processedInput?.commands ?? [];
    if (commands.join(' ') !== 'invoke local') return;
    // The AWS SDK's notice that its 2027 releases need Node 22, silenced as in npm start (src/local/
    // lambda-runtime.ts). Set before any SDK client is made, which is when it warns.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const given = parseEnvOptions(this.options.env);
    const fn = this.serverless.service.functions?.[this.options.function];
    const missing = new Set();
    for (const environment of [this.serverless.service.provider.environment, fn?.environment]) {
      if (!environment) continue;
      for (const [name, value] of Object.entries(environment)) {
        if (value === null || typeof value !== 'object') continue;
        if (name in given) environment[name] = given[name];
        else missing.add(name);
      }
    }
    if (missing.size > 0) {
      const names = [...missing].sort();
      throw new this.serverless.classes.Error(
        `These variables come from the deployed stack and cannot be resolved offline: ${names.join(', ')}. ` +
          `Pass them with --env, e.g. ${names.map((n) => `--env ${n}=...`).join(' ')} (README, "Development").`,
      );
    }
  }
}

function parseEnvOptions(env) {
  const pairs = env === undefined ? [] : Array.isArray(env) ? env : [env];
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = String(pair).indexOf('=');
      return at === -1 ? [String(pair), ''] : [String(pair).slice(0, at), String(pair).slice(at + 1)];
    }),
  );
}

module.exports = InvokeLocalEnv;
