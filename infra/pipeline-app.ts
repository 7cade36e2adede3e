// Builds the CDK app from its context; the tests build it the same way, so they check what is deployed.
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { APP_NAME, resourceNames, Stage } from '../shared/pipeline/resources.js';
import * as z from '../shared/zod.js';
import { PipelineStack } from './stack.js';

export const PipelineContext = z.object({
  stage: z._default(Stage, 'dev'),
  /** Prefix of every physical name; lets two copies of the pipeline share an account. */
  appName: z._default(z.string().check(z.regex(/^[a-z][a-z0-9-]{1,30}$/)), APP_NAME),
  alarmEmail: z.optional(z.email()),
  /** An extra origin for the pages (e.g. a custom domain or a dev server): a sign-in callback and a CORS origin. */
  reviewPageUrl: z.optional(z.url()),
});
export type PipelineContext = z.infer<typeof PipelineContext>;

/**
 * `context` adds to (and wins over) what cdk.json and `-c key=value` provide. Apps given one `outdir` share CDK's
 * asset cache within a process: a function bundled for one stage is not bundled again for another (the tests).
 */
export function createPipelineApp(context: Record<string, unknown> = {}, options: { outdir?: string } = {}) {
  const app = new App({ context, ...(options.outdir !== undefined && { outdir: options.outdir }) });
  const settings = PipelineContext.parse({
    stage: app.node.tryGetContext('stage'),
    appName: app.node.tryGetContext('appName'),
    alarmEmail: app.node.tryGetContext('alarmEmail'),
    reviewPageUrl: app.node.tryGetContext('reviewPageUrl'),
  });
  const names = resourceNames(settings.stage, settings.appName);
  const stack = new PipelineStack(app, names.stack, {
    stage: settings.stage,
    appName: settings.appName,
    ...(settings.alarmEmail !== undefined && { alarmEmail: settings.alarmEmail }),
    ...(settings.reviewPageUrl !== undefined && { reviewPageUrls: [settings.reviewPageUrl] }),
    description: `${settings.appName} moderation pipeline (${settings.stage})`,
  });
  Tags.of(app).add('app', settings.appName);
  Tags.of(app).add('stage', settings.stage);
  // Synth fails on any AwsSolutions finding that is neither fixed nor acknowledged with a reason.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack, settings };
}
