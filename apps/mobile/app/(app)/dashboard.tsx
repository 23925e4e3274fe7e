import { DashboardScreen } from '../../src/screens/dashboard';

export default DashboardScreen;
