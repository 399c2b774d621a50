/**
 * The API's redeployment trigger: a hash of every definition of the API, so any change redeploys
 * the stage.
 */
import { Lazy, type TerraformResource } from 'cdktf';
import { createHash } from 'node:crypto';

/**
 * A value that changes whenever any of `resources` changes in any argument: the SHA-1 of their
 * synthesized configuration, computed at synth time (after every override). An API Gateway
 * deployment whose trigger is this value is replaced, and so the stage redeployed, on every
 * change AWS documents as needing a redeployment, not only on changes of ids (which in-place
 * updates keep). References stay as their `${…}` text, so the value is known at plan time.
 */
export function definitionHash(resources: readonly TerraformResource[]): string {
  return Lazy.stringValue({
    produce: (context) => {
      const definitions = resources.map((r) => {
        const type = r.terraformResourceType;
        const id = r.friendlyUniqueId;
        const synthesized = context.resolve(r.toTerraform()) as {
          resource: Record<string, Record<string, Record<string, unknown>>>;
        };
        // Metadata (construct paths) is not part of the API's definition.
        const { '//': _metadata, ...config } = synthesized.resource[type]?.[id] ?? {};
        return [type, id, config];
      });
      return createHash('sha1').update(JSON.stringify(definitions)).digest('hex');
    },
  });
}
