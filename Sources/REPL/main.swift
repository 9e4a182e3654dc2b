import Bindings
import Core
print("instructedit")
