// The command line of `lockstep serve`: defaults, flags in both spellings, and helpful refusals.
import { parseCli } from '../../src/server/cliArgs.js';

describe('parseCli', () => {
  it('reads serve with its defaults', () => {
    expect(parseCli(['serve', './server.js'])).toEqual({
      command: 'serve',
      module: './server.js',
      port: 8080,
      host: '127.0.0.1',
      data: undefined,
      memory: false,
      static: undefined,
    });
  });

  it('reads every flag, as --flag value and --flag=value', () => {
    expect(parseCli(['serve', 'm.js', '--port', '0', '--host=0.0.0.0', '--data', 'd', '--static=public'])).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      data: 'd',
      static: 'public',
    });
    expect(parseCli(['serve', '--memory', 'm.js'])).toMatchObject({ module: 'm.js', memory: true, data: undefined });
  });

  it('answers help and version', () => {
    expect(parseCli([])).toEqual({ command: 'help' });
    expect(parseCli(['serve', '-h'])).toEqual({ command: 'help' });
    expect(parseCli(['--version'])).toEqual({ command: 'version' });
  });

  it('refuses what it cannot run, saying why', () => {
    const refusal = (argv: string[]) => {
      try {
        parseCli(argv);
      } catch (err) {
        return (err as { code: string; message: string }).code + ': ' + (err as Error).message;
      }
      return 'accepted';
    };
    expect(refusal(['run', 'm.js'])).toMatch(/^invalid_args: unknown command "run"/);
    expect(refusal(['serve'])).toMatch(/needs the module/);
    expect(refusal(['serve', 'm.js', '--port', '99999'])).toMatch(/--port must be an integer/);
    expect(refusal(['serve', 'm.js', '--port'])).toMatch(/--port needs a value/);
    expect(refusal(['serve', 'm.js', '--verbose'])).toMatch(/unknown option --verbose/);
    expect(refusal(['serve', 'm.js', 'other.js'])).toMatch(/unexpected argument/);
    expect(refusal(['serve', 'm.js', '--memory', '--data', 'd'])).toMatch(/exclude each other/);
  });
});
