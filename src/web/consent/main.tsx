import { render } from 'preact';
import '../shared/page.css';
import { ConsentApp } from './consent-app.tsx';

render(<ConsentApp />, document.getElementById('app')!);
