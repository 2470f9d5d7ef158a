import { createRoot } from 'react-dom/client';
import '../shared/base.css';
import './pc.css';
import { PcApp } from './pc-app';

createRoot(document.getElementById('root')!).render(<PcApp />);
