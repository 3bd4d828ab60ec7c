// lockstep's own schemas (ops, client messages) compile without ajv's meta-schema check (`ownSchema`): this is that check.
import { Ajv } from 'ajv';
import { callOpSchema } from '../../src/decorators/StructNode.js';
import { atomOpSchema } from '../../src/structures/atom/Atom.js';
import { counterOpSchema } from '../../src/structures/counter/Counter.js';
import { listOpSchema } from '../../src/structures/list/List.js';
import { mapOpSchema } from '../../src/structures/map/Map.js';
import { textOpSchema } from '../../src/structures/text/Text.js';
import { treeOpSchema } from '../../src/structures/tree/Tree.js';
import { clientMessageSchema } from '../../src/sync/protocol.js';

const own = { atomOpSchema, callOpSchema, clientMessageSchema, counterOpSchema, listOpSchema, mapOpSchema, textOpSchema, treeOpSchema };

describe('own schemas', () => {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  it.each(Object.keys(own))('%s is a valid JSON Schema that compiles in strict mode', (name) => {
    const schema = own[name as keyof typeof own];
    expect(ajv.validateSchema(schema)).toBe(true);
    expect(ajv.errors ?? null).toBeNull();
    expect(() => ajv.compile(schema)).not.toThrow();
  });
});
