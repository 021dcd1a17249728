/**
 * Prints how V8 holds the module's stylesheet — `[String]: "…` one-byte, `[String]: u"…` two-byte —
 * then, as a control, a string V8 holds as two-byte. Needs `--allow-natives-syntax`.
 */
import { loadAssets } from '../../src/http/assets.js';

// Through Function, so that the syntax is parsed by V8 alone, not by the TypeScript transform.
const debugPrint = new Function('text', '%DebugPrint(text)') as (text: string) => void;
debugPrint(`stylesheet ${loadAssets({ serveHtmx: true }).css}`.slice(0, 24));
debugPrint(`control ‹${'x'.repeat(20)}`.slice(0, 24));
