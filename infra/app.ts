// CDK entry point (cdk.json): `npx cdk deploy -c stage=prod`.
import { createPipelineApp } from './pipeline-app.js';

createPipelineApp().app.synth();
