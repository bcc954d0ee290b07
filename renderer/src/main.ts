import { mount } from 'svelte';
import App from './App.svelte';
import { AppState } from './lib/app-state.svelte';
import { connect } from './lib/connect';
import { ThemeState } from './lib/theme.svelte';
import { Workbench } from './lib/workbench.svelte';
import './styles.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

const app = new AppState(connect());
const workbench = new Workbench(app.connection.client);
void app.load();
void workbench.runs.load();
mount(App, { target, props: { app, theme: new ThemeState(), workbench } });
