import { mount } from 'svelte';
import App from './App.svelte';
import { loadCharts } from './charts/load.ts';
import './app.css';

// The charts chunk downloads while the app asks for its notebook; each chart reports a failure itself.
loadCharts().catch(() => {});
mount(App, { target: document.getElementById('app')! });
