import * as L from '../../src/index.js';
import 'reflect-metadata';

// Under experimentalDecorators + emitDecoratorMetadata the compiler emits design:type, so a
// field may leave out its initialiser; under TC39 decorators there is no design:type.
const emits = typeof (Reflect as { getMetadata?: unknown }).getMetadata === 'function' &&
  (() => {
    class Probe { @L.field() x!: L.Counter; }
    return Reflect.getMetadata('design:type', Probe.prototype, 'x') === L.Counter;
  })();

(emits ? it : it.skip)('uses design:type as a hint for a field with no initialiser', () => {
  @L.stateMachine()
  class Score {
    @L.field() points!: L.Counter;
    @L.field() name = new L.Atom('x');
  }
  const doc = new L.Doc(Score);
  doc.state.points.add(3);
  expect(doc.toJSON()).toEqual({ points: 3, name: 'x' });
});
