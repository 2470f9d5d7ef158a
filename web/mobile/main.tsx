import { createRoot } from 'react-dom/client';
import '../shared/base.css';
import './mobile.css';
import { MobileApp } from './mobile-app';

createRoot(document.getElementById('root')!).render(<MobileApp />);
