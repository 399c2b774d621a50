/** One synth of all stacks into a given directory; prints its peak memory. Used by bench:synth. */
import { buildApp } from '../../main';
import { loadConfig } from '../../stacks/config';
import { DIST } from '../dist';

buildApp(loadConfig(process.env), { outdir: process.argv[2] as string, distDir: DIST }).app.synth();
process.stdout.write(JSON.stringify({ maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
