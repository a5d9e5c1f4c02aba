// Runs the reliability specs in file-name order (01-tokens ... 99-logs): the log scan must
// come last, after every platform of the run has written its logs.
import Sequencer from '@jest/test-sequencer';

const Base = Sequencer.default ?? Sequencer;

export default class ByName extends Base {
  sort(tests) {
    return [...tests].sort((a, b) => a.path.localeCompare(b.path));
  }
}
