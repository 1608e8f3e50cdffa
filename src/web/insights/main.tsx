import { render } from 'preact';
import '../shared/page.css';
import { InsightsApp } from './insights-app.tsx';

render(<InsightsApp />, document.getElementById('app')!);
