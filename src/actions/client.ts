/** The API calls actions make: fresh reads, guarded patches, creates, and waits driven by watches. */
import { AppsV1Api, KubernetesObjectApi, PatchStrategy, Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { JsonPatchOp, ObjectRef } from './types.js';
import { apiMessage, statusCode } from '../kube/errors.js';

export class ActionError extends Error {}
/** The object moved between the read and the write (409, or a failed resourceVersion test). */
export class ConflictError extends ActionError {}

export interface ClientOptions {
  dryRun?: boolean;
  fieldManager?: string;
}

export class ActionClient {
  readonly objects: KubernetesObjectApi;

  constructor(
    readonly kc: KubeConfig,
    readonly opts: ClientOptions = {},
  ) {
    this.objects = KubernetesObjectApi.makeApiClient(kc);
  }

  get dryRun(): boolean {
    return this.opts.dryRun ?? false;
  }

  async read<T extends KubernetesObject = KubernetesObject>(ref: ObjectRef): Promise<T> {
    try {
      return (await this.objects.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } })) as T;
    } catch (err) {
      throw new ActionError(`cannot read ${describeRef(ref)}: ${apiMessage(err)}`);
    }
  }

  async list<T extends KubernetesObject = KubernetesObject>(apiVersion: string, kind: string, namespace: string, labelSelector?: string): Promise<T[]> {
    try {
      const list = await this.objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector);
      return list.items as T[];
    } catch (err) {
      throw new ActionError(`cannot list ${kind} in ${namespace}: ${apiMessage(err)}`);
    }
  }

  /** Patches with the resourceVersion of a read just made, so any change in between is a 409. */
  async patch(ref: ObjectRef, strategy: 'merge' | 'strategic' | 'json', body: Record<string, unknown>, resourceVersion: string, ops?: JsonPatchOp[]): Promise<KubernetesObject> {
    if (strategy === 'json') return this.jsonPatch(ref, ops ?? [], resourceVersion);
    const spec = {
      ...body,
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      metadata: { ...((body.metadata as object) ?? {}), name: ref.name, namespace: ref.namespace, resourceVersion },
    };
    const type = strategy === 'merge' ? PatchStrategy.MergePatch : PatchStrategy.StrategicMergePatch;
    try {
      return await this.objects.patch(spec, undefined, this.dryRun ? 'All' : undefined, this.fieldManager, undefined, type);
    } catch (err) {
      if (statusCode(err) === 409) throw new ConflictError(`${describeRef(ref)} changed between cutover's read and its write (409 Conflict); nothing was written to it`);
      throw new ActionError(`cannot patch ${describeRef(ref)}: ${apiMessage(err)}`);
    }
  }

  /**
   * A JSON patch (application/json-patch+json, as `kubectl rollout undo` sends) guarded by a `test`
   * of the read's resourceVersion. Deployments only: the generic object client would re-serialize
   * the array body as an object.
   */
  private async jsonPatch(ref: ObjectRef, ops: JsonPatchOp[], resourceVersion: string): Promise<KubernetesObject> {
    if (ref.apiVersion !== 'apps/v1' || ref.kind !== 'Deployment') throw new ActionError(`cannot JSON-patch ${describeRef(ref)}: only Deployments are supported`);
    const body = [{ op: 'test', path: '/metadata/resourceVersion', value: resourceVersion }, ...ops];
    try {
      return await this.kc.makeApiClient(AppsV1Api).patchNamespacedDeployment({
        name: ref.name,
        namespace: ref.namespace,
        body,
        ...(this.dryRun ? { dryRun: 'All' } : {}),
        fieldManager: this.fieldManager,
      });
    } catch (err) {
      const code = statusCode(err);
      // A failed `test` is 422 on a real API server (409 from some): either way the object moved.
      if (code === 409 || (code === 422 && /test/i.test(apiMessage(err)))) throw new ConflictError(`${describeRef(ref)} changed between cutover's read and its write (resourceVersion test failed); nothing was written to it`);
      throw new ActionError(`cannot patch ${describeRef(ref)}: ${apiMessage(err)}`);
    }
  }

  async create<T extends KubernetesObject>(obj: T): Promise<T> {
    try {
      return (await this.objects.create(obj, undefined, this.dryRun ? 'All' : undefined, this.fieldManager)) as T;
    } catch (err) {
      throw new ActionError(`cannot create ${obj.kind} ${obj.metadata?.namespace}/${obj.metadata?.name ?? obj.metadata?.generateName}: ${apiMessage(err)}`);
    }
  }

  /**
   * Re-evaluates `check` whenever something changes under `path` (a collection watch), until it
   * returns true or the time runs out. `check` returns a progress line or true.
   */
  async waitFor(path: string, check: () => Promise<true | string>, timeoutMs: number, onProgress: (line: string) => void, signal?: AbortSignal): Promise<void> {
    let last = '';
    const evaluate = async (): Promise<boolean> => {
      const r = await check();
      if (r === true) return true;
      if (r !== last) onProgress((last = r));
      return false;
    };
    if (await evaluate()) return;
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      let request: { abort(): void } | undefined;
      let checking = false;
      let again = false;
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        clearInterval(safety);
        request?.abort();
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const recheck = async () => {
        if (checking) {
          again = true;
          return;
        }
        checking = true;
        try {
          do {
            again = false;
            if (await evaluate()) return finish();
          } while (again && !settled);
        } catch (err) {
          finish(err as Error);
        } finally {
          checking = false;
        }
      };
      const onAbort = () => finish(new ActionError('stopped waiting (cancelled); the writes already made stay'));
      signal?.addEventListener('abort', onAbort);
      const deadline = setTimeout(() => finish(new ActionError(`timed out after ${Math.round(timeoutMs / 1000)} s: ${last || 'condition not met'}`)), timeoutMs);
      // A watch drives the re-checks; the interval only covers a watch that ends quietly.
      const safety = setInterval(() => void recheck(), 2000);
      // Stopped while the first check was on its way: the abort event has already fired.
      if (signal?.aborted) return onAbort();
      const startWatch = () => {
        new Watch(this.kc)
          .watch(path, {}, () => void recheck(), () => {
            if (!settled) setTimeout(startWatch, 500);
          })
          .then((r) => {
            request = r;
            if (settled) r.abort();
          })
          .catch(() => {
            if (!settled) setTimeout(startWatch, 1000);
          });
      };
      startWatch();
    });
  }

  private get fieldManager(): string {
    return this.opts.fieldManager ?? 'cutover';
  }
}

export const describeRef = (ref: ObjectRef) => `${ref.kind.toLowerCase()} ${ref.namespace}/${ref.name}`;

