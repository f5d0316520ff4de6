// Prints the parameters a new configuration gets from the component's form:
// the form data React JSON Schema Form (the library the Keboola UI renders
// configSchema.json with) builds from the schema's defaults, with data not
// described by the schema omitted, as a form that omits extra data saves it.
//
//   npm install @rjsf/utils@6 @rjsf/validator-ajv8@6
//   node formdefaults.mjs ../../component_config/configSchema.json \
//     > ../../src/keboola/component/testdata/form-defaults.json
import fs from 'node:fs';
import { createSchemaUtils } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';

const schema = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
// Buttons ("type": "button") are Keboola UI widgets, not JSON Schema.
for (const [key, prop] of Object.entries(schema.properties)) {
  if (prop.type === 'button') delete schema.properties[key];
}
const utils = createSchemaUtils(validator, schema);
const saved = utils.omitExtraData(schema, utils.getDefaultFormState(schema, undefined));
process.stdout.write(JSON.stringify({ parameters: saved }, null, 2) + '\n');
