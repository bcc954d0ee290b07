import { mount } from 'svelte';
import App from './App.svelte';
import { AppState } from './lib/app-state.svelte';
import { connect } from './lib/connect';
import { ThemeState } from './lib/theme.svelte';
import './styles.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

const app = new AppState(connect());
void app.load();
mount(App, { target, props: { app, theme: new ThemeState() } });
