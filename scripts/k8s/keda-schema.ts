import { z } from 'zod';
import type { SchemaIssue } from './kubernetes-schema';

/**
 * KEDA's ScaledObject and TriggerAuthentication (keda.sh/v1alpha1), which kubernetes-models does
 * not bundle: the fields of KEDA 2.x's CRDs (https://keda.sh/docs/2.17/reference/scaledobject-spec/),
 * strict, so an unknown or misspelt field is an error as for the built-in kinds. Trigger metadata
 * is checked field by field for the `redis` scaler (the one k8s/ uses); other scaler types only
 * need string values.
 */

const quantityString = z.string().regex(/^\d+$/, { error: 'must be a whole number in a string, e.g. "5"' });
const booleanString = z.enum(['true', 'false']);

const objectMeta = z
  .object({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .strict();

const hpaPolicy = z
  .object({ type: z.enum(['Pods', 'Percent']), value: z.number().int().positive(), periodSeconds: z.number().int().min(1).max(1800) })
  .strict();
const hpaRules = z
  .object({
    stabilizationWindowSeconds: z.number().int().min(0).max(3600).optional(),
    selectPolicy: z.enum(['Max', 'Min', 'Disabled']).optional(),
    policies: z.array(hpaPolicy).optional(),
    tolerance: z.union([z.string(), z.number()]).optional(),
  })
  .strict();

/** The redis scaler's metadata (https://keda.sh/docs/2.17/scalers/redis-lists/). */
const redisMetadata = z
  .object({
    address: z.string().optional(),
    addressFromEnv: z.string().optional(),
    host: z.string().optional(),
    hostFromEnv: z.string().optional(),
    port: z.string().optional(),
    portFromEnv: z.string().optional(),
    username: z.string().optional(),
    usernameFromEnv: z.string().optional(),
    passwordFromEnv: z.string().optional(),
    listName: z.string().min(1),
    listLength: quantityString,
    activationListLength: quantityString.optional(),
    databaseIndex: quantityString.optional(),
    enableTLS: booleanString.optional(),
    unsafeSsl: booleanString.optional(),
  })
  .strict();

const trigger = z
  .object({
    type: z.string().min(1),
    name: z.string().optional(),
    metadata: z.record(z.string(), z.string()),
    authenticationRef: z.object({ name: z.string().min(1), kind: z.enum(['TriggerAuthentication', 'ClusterTriggerAuthentication']).optional() }).strict().optional(),
    metricType: z.enum(['AverageValue', 'Value', 'Utilization']).optional(),
    useCachedMetrics: z.boolean().optional(),
  })
  .strict()
  .superRefine((value, context) => {
    if (value.type !== 'redis') return;
    const result = redisMetadata.safeParse(value.metadata);
    if (!result.success) for (const issue of result.error.issues) context.addIssue({ ...issue, path: ['metadata', ...issue.path] });
  });

const scaledObjectSchema = z
  .object({
    apiVersion: z.literal('keda.sh/v1alpha1'),
    kind: z.literal('ScaledObject'),
    metadata: objectMeta,
    spec: z
      .object({
        scaleTargetRef: z
          .object({ apiVersion: z.string().optional(), kind: z.string().optional(), name: z.string().min(1), envSourceContainerName: z.string().optional() })
          .strict(),
        pollingInterval: z.number().int().positive().optional(),
        cooldownPeriod: z.number().int().nonnegative().optional(),
        initialCooldownPeriod: z.number().int().nonnegative().optional(),
        idleReplicaCount: z.number().int().nonnegative().optional(),
        minReplicaCount: z.number().int().nonnegative().optional(),
        maxReplicaCount: z.number().int().positive().optional(),
        fallback: z.object({ failureThreshold: z.number().int().positive(), replicas: z.number().int().nonnegative() }).strict().optional(),
        advanced: z
          .object({
            restoreToOriginalReplicaCount: z.boolean().optional(),
            horizontalPodAutoscalerConfig: z
              .object({ name: z.string().optional(), behavior: z.object({ scaleUp: hpaRules.optional(), scaleDown: hpaRules.optional() }).strict().optional() })
              .strict()
              .optional(),
            scalingModifiers: z
              .object({ formula: z.string(), target: z.string(), activationTarget: z.string().optional(), metricType: z.enum(['AverageValue', 'Value']).optional() })
              .strict()
              .optional(),
          })
          .strict()
          .optional(),
        triggers: z.array(trigger).min(1),
      })
      .strict()
      .refine((spec) => (spec.minReplicaCount ?? 0) <= (spec.maxReplicaCount ?? 100), { error: 'minReplicaCount must not exceed maxReplicaCount' }),
  })
  .strict();

const triggerAuthenticationSchema = z
  .object({
    apiVersion: z.literal('keda.sh/v1alpha1'),
    kind: z.literal('TriggerAuthentication'),
    metadata: objectMeta,
    spec: z
      .object({
        secretTargetRef: z.array(z.object({ parameter: z.string().min(1), name: z.string().min(1), key: z.string().min(1) }).strict()).optional(),
        env: z.array(z.object({ parameter: z.string().min(1), name: z.string().min(1), containerName: z.string().optional() }).strict()).optional(),
        configMapTargetRef: z.array(z.object({ parameter: z.string().min(1), name: z.string().min(1), key: z.string().min(1) }).strict()).optional(),
        podIdentity: z.object({ provider: z.string().min(1), identityId: z.string().optional(), roleArn: z.string().optional() }).strict().optional(),
        // Known to KEDA, not used here: recognised, their content left to KEDA's own validation.
        hashiCorpVault: z.record(z.string(), z.unknown()).optional(),
        azureKeyVault: z.record(z.string(), z.unknown()).optional(),
        awsSecretManager: z.record(z.string(), z.unknown()).optional(),
        gcpSecretManager: z.record(z.string(), z.unknown()).optional(),
        boundServiceAccountToken: z.array(z.record(z.string(), z.unknown())).optional(),
      })
      .strict(),
  })
  .strict();

const KEDA_SCHEMAS: Record<string, z.ZodType> = {
  ScaledObject: scaledObjectSchema,
  TriggerAuthentication: triggerAuthenticationSchema,
};

export function isKedaKind(apiVersion: string, kind: string): boolean {
  return apiVersion === 'keda.sh/v1alpha1' && kind in KEDA_SCHEMAS;
}

export function validateKeda(object: { kind: string }): SchemaIssue[] {
  const result = KEDA_SCHEMAS[object.kind].safeParse(object);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    path: issue.path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`)).join('').replace(/^\./, ''),
    message: issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message,
  }));
}
