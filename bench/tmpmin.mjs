import express from 'express';
import helmet from 'helmet';
const app = express();
if (process.argv[2] !== 'bare') { app.use(helmet()); app.use('/api', express.json({ limit: '1mb' })); }
app.post('/api/v1/responses', (req, res) => res.status(201).json({ id: 'x' }));
app.listen(4111, '127.0.0.1');
