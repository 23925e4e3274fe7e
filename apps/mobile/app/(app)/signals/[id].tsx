import { SignalDetailScreen } from '../../../src/screens/signal-detail';

export default SignalDetailScreen;
