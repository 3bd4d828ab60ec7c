// The room of the soak test, shared by its server and its clients: a list of short strings
// (each carries its author and the time it was made, for delivery latency) and a text.
import * as L from '../../dist/index.js';

export const SoakRoom = L.defineStateMachine({
  name: 'SoakRoom',
  fields: {
    items: () => new L.List(),
    notes: () => new L.Text(),
  },
});
