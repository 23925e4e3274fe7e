import { PlansScreen } from '../../src/screens/plans';

export default PlansScreen;
