import './lib/zod-without-eval.js';
import { mount } from 'svelte';
import 'uplot/dist/uPlot.min.css';
import './app.css';
import App from './App.svelte';
import { createStudioClient } from './lib/client/index.js';

const client = createStudioClient();
const target = document.getElementById('app');
if (!target) throw new Error('no #app element');
mount(App, { target, props: { client } });
